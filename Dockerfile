# coprod-bot: a small image that runs the bot as a non-root user, database on a volume.
# Build: docker build -t coprod-bot .   Run: see compose.yaml and the README ("Run it for real").

# ---- build stage: a wheel of the project, with its message catalogs compiled
FROM python:3.11.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install "babel>=2.14,<3" "build>=1.2,<2"
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY locales ./locales
# Catalogs compiled at build time (.mo next to each .po), then packed into the wheel.
RUN pybabel compile -d locales -D messages \
    && python -m build --wheel --outdir /dist .

# ---- runtime stage: only the installed wheel, no compilers, no build tools
FROM python:3.11.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    COPROD_DB=/data/coprod.sqlite3
COPY --from=build /dist /dist
# The poster's fonts: Noto Sans, Noto Naskh Arabic and Noto Nastaliq Urdu (SIL OFL 1.1).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-core=20201225-1 \
    && rm -rf /var/lib/apt/lists/*
# /site is for the public pages when compose.yaml mounts a volume there (COPROD_SITE_DIR=/site):
# owned by the bot's user, readable by a web server's, unlike /data.
# pip writes each .po after its .mo; touching the .mo keeps them the newer, so the bot
# loads the compiled catalogs instead of compiling the sources again in memory.
# With PostgreSQL's driver and the webhook's web server, so one image serves compose.yaml's
# single bot (SQLite, polling) and its "scale" profile (PostgreSQL, webhook, replicas).
RUN pip install "$(echo /dist/*.whl)[postgresql,webhook]" \
    && rm -rf /dist \
    && find "$(python -c 'import locales, os; print(os.path.dirname(locales.__file__))')" \
        -name '*.mo' -exec touch {} + \
    && groupadd --system --gid 10001 coprod \
    && useradd --system --uid 10001 --gid coprod --home-dir /data --no-create-home coprod \
    && mkdir /data /site \
    && chown coprod:coprod /data /site \
    && chmod 700 /data \
    && chmod 755 /site
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
