-- Wrong passwords lock one client at one address, not the account: anybody who knows an
-- address could otherwise lock its owner out. A row's key is a hash of the address and of the
-- client's keyed hash; account_key (the hash of the address alone) lets an administrator's
-- unlock and a password reset clear every client's lock of that account.
DELETE FROM login_throttle;
ALTER TABLE login_throttle ADD COLUMN account_key TEXT;
CREATE INDEX login_throttle_account ON login_throttle (account_key);
