-- The step that undoes a step, decided from the real state just before the step acts and journaled with
-- RUNNING, so a rollback undoes only what the operation itself did.
ALTER TABLE operation_steps ADD COLUMN undo VARCHAR(100000);
