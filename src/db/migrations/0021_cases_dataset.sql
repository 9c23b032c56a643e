-- Sharing agreements may now cover cases (service requests and their notes) as well as person records.
ALTER TABLE sharing_agreements DROP CONSTRAINT sharing_agreements_datasets_check;
ALTER TABLE sharing_agreements ADD CONSTRAINT sharing_agreements_datasets_check
  CHECK (cardinality(datasets) > 0 AND datasets <@ ARRAY['person-records', 'cases']);
