-- A cycle's row is as immutable as its events.
CREATE TRIGGER cycles_no_update BEFORE UPDATE ON cycles
BEGIN SELECT RAISE(ABORT, 'циклы не изменяются: изменение запрещено'); END;
