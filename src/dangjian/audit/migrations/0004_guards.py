from django.db import migrations

# The database itself refuses what the application never does (audit.models): changing an
# entry, or deleting one younger than six months (the floor of DANGJIAN_AUDIT_RETENTION_DAYS).
# PostgreSQL only; tests and `flush` empty tables with TRUNCATE, which no row trigger sees.
GUARDS = """
CREATE OR REPLACE FUNCTION dangjian_audit_event_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION '审计记录不可修改（第 % 条）', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.at > now() - interval '180 days' THEN
    RAISE EXCEPTION '审计记录保存期内不可删除（第 % 条）', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER dangjian_audit_event_guard BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION dangjian_audit_event_guard();

CREATE OR REPLACE FUNCTION dangjian_audit_object_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION '审计记录不可修改' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF EXISTS (SELECT 1 FROM audit_auditevent e WHERE e.id = OLD.event_id AND e.at > now() - interval '180 days') THEN
    RAISE EXCEPTION '审计记录保存期内不可删除' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER dangjian_audit_object_guard BEFORE UPDATE OR DELETE ON audit_auditobject
  FOR EACH ROW EXECUTE FUNCTION dangjian_audit_object_guard();

-- The login history (django-axes): a log-in's row gets its log-out time, nothing else changes;
-- no row younger than six months is deleted (axes_reset_logs included).
CREATE OR REPLACE FUNCTION dangjian_login_history_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF TG_TABLE_NAME = 'axes_accesslog' AND OLD.logout_time IS NULL
       AND (to_jsonb(NEW) - 'logout_time') = (to_jsonb(OLD) - 'logout_time') THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION '登录记录不可修改' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.attempt_time > now() - interval '180 days' THEN
    RAISE EXCEPTION '登录记录保存期内不可删除' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER dangjian_login_history_guard BEFORE UPDATE OR DELETE ON axes_accesslog
  FOR EACH ROW EXECUTE FUNCTION dangjian_login_history_guard();
CREATE TRIGGER dangjian_login_history_guard BEFORE UPDATE OR DELETE ON axes_accessfailurelog
  FOR EACH ROW EXECUTE FUNCTION dangjian_login_history_guard();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS dangjian_login_history_guard ON axes_accessfailurelog;
DROP TRIGGER IF EXISTS dangjian_login_history_guard ON axes_accesslog;
DROP TRIGGER IF EXISTS dangjian_audit_object_guard ON audit_auditobject;
DROP TRIGGER IF EXISTS dangjian_audit_event_guard ON audit_auditevent;
DROP FUNCTION IF EXISTS dangjian_login_history_guard();
DROP FUNCTION IF EXISTS dangjian_audit_object_guard();
DROP FUNCTION IF EXISTS dangjian_audit_event_guard();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    """Separate from 0003: its sealing UPDATEs must be committed before the triggers exist."""

    dependencies = [
        ("audit", "0003_chain_and_retention"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(guard, unguard)]
