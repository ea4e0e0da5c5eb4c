-- Organization languages: standard ones from the catalogue, and custom ones.
ALTER TABLE languages ADD COLUMN is_custom BIGINT NOT NULL DEFAULT 0;
