-- How the person who made a request is told of its progress: by email or by text, as they chose
-- when they gave both (null for requests made before it was asked: email when given, else text).
ALTER TABLE cases ADD COLUMN contact_by text CHECK (contact_by IN ('email', 'sms'));
