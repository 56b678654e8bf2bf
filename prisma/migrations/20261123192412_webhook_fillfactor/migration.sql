-- Room in each page for HOT updates: every attempt moves a webhook's counters,
-- none of which is indexed.
ALTER TABLE "webhook" SET (fillfactor = 80);
