-- Run once by the postgres image when its data volume is new (/docker-entrypoint-initdb.d):
-- Rasa's conversations get a database of their own beside the application's (POSTGRES_DB).
-- Rasa's SQL tracker store creates its `events` table there on first start.
CREATE DATABASE rasa_tracker;
