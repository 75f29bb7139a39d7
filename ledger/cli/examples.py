"""An example for every command, shown at the end of its ``--help`` (as ``gh`` does).

Each line is a real command line; a test runs every command's help and checks each has its
examples, and that each example names its own command.
"""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, tuple[str, ...]] = {
    "add": ('ledger add "Xiaomi ships a US phone" --author "Neil Flynn" --made 2015-02-20 '
            '--due "end of 2016" --prob "will likely" --key us-phone',),
    "forecast": ("ledger forecast us-phone 30% --by bob --on 2015-03-01 --note \"patent risk\"",),
    "evidence": ('ledger evidence us-phone "Not on the roadmap" --on 2015-02-12 '
                 "--stance refutes --url https://example.org/a",),
    "resolve": ('ledger resolve us-phone false --on 2016-12-31 --evidence 1 --note "no US phone"',
                'ledger resolve us-phone false --on 2017-01-02 --revise --note "date fixed"'),
    "reopen": ('ledger reopen us-phone --note "resolved too early"',),
    "withdraw": ('ledger withdraw us-phone --note "recorded twice"',),
    "edit": ("ledger edit us-phone --due 2016Q2 --tag phones",),
    "list": ("ledger list --status unresolved --author alice --limit 20",
             "ledger list --tag china --format csv"),
    "show": ("ledger show us-phone", "ledger show 12 --format json"),
    "due": ("ledger due --by alice --week", "ledger due --within 2w --limit 10",
            "ledger due --format ics --out due.ics --force"),
    "log": ("ledger log us-phone", "ledger log --limit 20 --format json"),
    "phrases": ("ledger phrases --format md",),
    "report": ("ledger report --period 2015Q4 --by tag",
               "ledger report --as-of 2016-01-31 --format json --out reports/"),
    "export": ("ledger export > team.jsonl", "ledger export --out team.jsonl --force"),
    "import": ("ledger import team.jsonl", "ledger import my_predictions.csv --dry-run",
               "ledger import ifps.csv survey_fcasts.yr1.csv --from gjp"),
    "seed": ("ledger seed", "ledger seed seeds/"),
    "extract": ("ledger extract column.txt --out column.toml",
                "ledger extract page.html --author \"Neil Flynn\" --made 2015-02-20 "
                "--format json"),
    "demo": ("ledger demo",),
    "source add": ('ledger source add "A column" --key col-2015 --published 2015-02-20 '
                   '--author "Neil Flynn" --url https://example.org/col',),
    "source list": ("ledger source list --format md",),
    "db init": ("ledger --db team.db db init",),
    "db upgrade": ("ledger db upgrade",),
    "db status": ("ledger db status --format json",),
    "db check": ("ledger db check", "ledger db check --anchor 42:9f2c..."),
    "db anchor": ("ledger db anchor",),
    "db grace": ("ledger db grace", "ledger db grace 3 --note \"team decision\""),
    "db backup": ("ledger db backup team-2015-12.db",),
    "db copy": ("ledger db copy postgresql+psycopg://ledger@db.example/team",),
    "db journal": ("ledger db journal wal",),
    "retract": ('ledger retract us-phone#2 --note "typed 0.58 for 0.85"',),
    "merge": ('ledger merge meituan-posts-an-operating-loss-in-q3 meituan-q3-loss',),
    "analyst": ("ledger analyst", "ledger analyst alice --email alice@example.org",
                "ledger analyst add carol --email carol@example.org",
                "ledger analyst merge bbo INTO bob"),
    "key new": ("ledger key new", "ledger key new --note \"yearly rotation\""),
    "key list": ("ledger key list --format json",),
    "key revoke": ('ledger key revoke --note "laptop lost"', "ledger key revoke 051c91eb"),
    "db require-signatures": ("ledger db require-signatures on",),
    "remind": ("ledger remind --dry-run", "ledger remind --within 14d"),
    "config path": ("ledger config path",),
    "config get": ("ledger config get", "ledger config get timezone --format json"),
    "config set": ("ledger config set timezone America/Los_Angeles",
                   "ledger config set smtp.host smtp.example.org --team"),
}


def attach(group: Any, path: tuple[str, ...] = ()) -> None:
    """Put each command's examples in its help epilog (``\\b``: printed as written)."""
    for name, cmd in getattr(group, "commands", {}).items():
        here = (*path, name)
        if getattr(cmd, "commands", None):
            attach(cmd, here)
            continue
        lines = EXAMPLES.get(" ".join(here))
        if lines and not cmd.epilog:
            cmd.epilog = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
