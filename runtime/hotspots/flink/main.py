"""The hot-spot job's launcher on Managed Service for Apache Flink (a PyFlink application).

It runs the statements of hotspots.sql (rendered from the stack's config by
runtime/hotspots/flink-sql.ts, shipped next to this file) in order: SET statements go to
the table config, CREATE statements run at once, and the INSERTs run together as one
statement set, so the job reads the stream once. Each ${placeholder} is replaced by the
application property of that name in the HotspotJob group, with the same rules as
fillPlaceholders in flink-sql.ts: a missing property or a value with a quote stops the
launch with a message naming it.

Run elsewhere (a local Flink), give the properties file: python main.py --properties <json>.
"""
import json
import os
import re
import sys

APPLICATION_PROPERTIES = "/etc/flink/application_properties.json"
JOB_GROUP = "HotspotJob"
STATEMENTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hotspots.sql")
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
SET = re.compile(r"^SET\s+'([^']+)'\s*=\s*'([^']*)'$")


def read_properties(path):
    """The property groups of an application, {group id: {key: value}}."""
    with open(path, encoding="utf-8") as f:
        groups = json.load(f)
    return {g["PropertyGroupId"]: g["PropertyMap"] for g in groups}


def split_statements(text):
    """Statements end with a semicolon at the end of a line (none of ours has one inside)."""
    return [s.strip() for s in re.split(r";\s*$", text, flags=re.MULTILINE) if s.strip()]


def fill_placeholders(statements, values):
    def replace(match):
        name = match.group(1)
        value = values.get(name, "")
        if value == "":
            raise ValueError("the application property %s (group %s) is missing" % (name, JOB_GROUP))
        if "'" in value:
            raise ValueError("the application property %s is %s, allowed: no quote (')" % (name, value))
        return value

    return [PLACEHOLDER.sub(replace, s) for s in statements]


def plan(statements):
    """What to do with each statement: ("set", key, value), ("execute", sql) or ("insert", sql)."""
    steps = []
    for s in statements:
        m = SET.match(s)
        if m:
            steps.append(("set", m.group(1), m.group(2)))
        elif s.upper().startswith("INSERT INTO"):
            steps.append(("insert", s))
        else:
            steps.append(("execute", s))
    return steps


def main(argv):
    path = argv[argv.index("--properties") + 1] if "--properties" in argv else APPLICATION_PROPERTIES
    properties = read_properties(path)
    with open(STATEMENTS_FILE, encoding="utf-8") as f:
        steps = plan(fill_placeholders(split_statements(f.read()), properties.get(JOB_GROUP, {})))

    from pyflink.table import EnvironmentSettings, TableEnvironment

    table_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    inserts = table_env.create_statement_set()
    for step in steps:
        if step[0] == "set":
            table_env.get_config().set(step[1], step[2])
        elif step[0] == "insert":
            inserts.add_insert_sql(step[1])
        else:
            table_env.execute_sql(step[1])
    inserts.execute()


if __name__ == "__main__":
    main(sys.argv[1:])
