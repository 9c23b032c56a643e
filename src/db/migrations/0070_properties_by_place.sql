-- The gazetteer's properties by where they are, for drawing the ones within a map's view.
CREATE INDEX properties_place ON properties (latitude, longitude);
