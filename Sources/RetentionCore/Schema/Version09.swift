// FROZEN: schema version 9 as released. Never edit this file; a change to the schema is a new version
// (see Migrations.swift). SchemaFreezeTests fails if what this file builds changes.

extension Migrations {
    /// v9, the agents' tasks: a follow-up a person owes a customer, raised by an event's `agent_notification`
    /// action (see `Engine.raiseTask`). A task is assigned to the customer's owner (`assigned_to`) if they
    /// have one, else to their agent; it is open until someone marks it done. Open tasks follow the customer:
    /// a trigger moves them when the owner or the agent changes, whichever write path changes them. Indexed
    /// for the two reads the product makes: one assignee's open tasks, the earliest due first (the dashboard,
    /// `GET /tasks`), and one customer's tasks (the detail pane, the open task an action would repeat,
    /// access and erasure).
    enum Version09 {
        static let sql = """
        CREATE TABLE tasks (
            id               INTEGER PRIMARY KEY,
            uuid             TEXT NOT NULL UNIQUE,
            customer_id      INTEGER NOT NULL REFERENCES customers(id),
            assignee         TEXT NOT NULL,
            reason           TEXT NOT NULL,
            title            TEXT NOT NULL,
            source_event_id  INTEGER REFERENCES retention_events(id),
            created_at       INTEGER NOT NULL,
            due_at           INTEGER NOT NULL,
            done_at          INTEGER,
            done_by          TEXT,
            created_by       TEXT NOT NULL
        );
        CREATE INDEX tasks_open ON tasks(assignee, due_at) WHERE done_at IS NULL;
        CREATE INDEX tasks_customer ON tasks(customer_id, done_at);

        CREATE TRIGGER tasks_follow_owner AFTER UPDATE OF assigned_to, agent_id ON customers
        WHEN coalesce(NEW.assigned_to, NEW.agent_id) IS NOT coalesce(OLD.assigned_to, OLD.agent_id)
        BEGIN
            UPDATE tasks SET assignee = coalesce(NEW.assigned_to, NEW.agent_id) WHERE customer_id = NEW.id AND done_at IS NULL;
        END;
        """
    }
}
