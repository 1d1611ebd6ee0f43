-- A cycle's row is as immutable as its events.
CREATE TRIGGER cycles_no_update BEFORE UPDATE ON cycles
    FOR EACH ROW EXECUTE FUNCTION bagalau_refuse_change();
