-- Whether the person who made a request agreed that their name and contact details may go with
-- it to the organisation's own system (asked only where that system takes contact details; never
-- assumed: requests made before it was asked, and through Open311 or the API, are false).
ALTER TABLE cases ADD COLUMN share_contact boolean NOT NULL DEFAULT false;
