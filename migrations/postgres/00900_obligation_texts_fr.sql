-- +goose Up
-- The French words of each obligation (recipient, explanation, standard,
-- notes, readings), evaluated on the French catalogue next to the English
-- ones; JSON, NULL until the obligation is evaluated with the French
-- catalogue (the service fills it at start).
ALTER TABLE obligations ADD COLUMN texts_fr TEXT;

-- +goose Down
ALTER TABLE obligations DROP COLUMN texts_fr;
