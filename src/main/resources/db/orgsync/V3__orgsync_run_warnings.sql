-- What a run skipped or doubted without failing (refused items carried forward, duplicate
-- listings, departments cut off by the app's visible range): the manifest's warnings as a JSON
-- array of strings. Null for runs of earlier releases.
ALTER TABLE orgsync_run ADD warnings ${text};
