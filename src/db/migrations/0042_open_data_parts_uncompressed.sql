-- The parts of open data files are kept as they are, not compressed by PostgreSQL: compressing
-- them (pglz, the only method this PostgreSQL has) took more of the server's time than building
-- the files did, about 70 CPU seconds for a year of a region's requests (decision 0014). Parts
-- already stored stay as they are; new ones are stored uncompressed, out of line.
ALTER TABLE open_data_file_parts ALTER COLUMN bytes SET STORAGE EXTERNAL;
