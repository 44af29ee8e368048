-- +goose Up
-- Fixed-window request counters shared by every process (internal/ratelimit):
-- one row per bucket and window, window_start in Unix seconds. A bucket that
-- names a client holds a keyed hash of its network, never the address, and
-- its rows are deleted once their window has passed.
CREATE TABLE rate_windows (
    bucket       TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_windows_start ON rate_windows (window_start);

-- +goose Down
DROP TABLE rate_windows;
