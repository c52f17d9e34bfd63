-- The results message id was written at every close and never read: nothing links to
-- the results message, so the column goes rather than costing a transaction per close.
ALTER TABLE rounds DROP COLUMN results_message_id;
