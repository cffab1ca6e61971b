"""The `calmreply` command: serve, draft, check, rules, keys, worker, jobs (and `eval`, from evals.cli).

Heavy imports (litellm, FastAPI) happen inside the commands that need them, so `check` and
`rules` start instantly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from evals.rules import CONFLICTS, RULES, Channel, CheckContext, Policy, RuleResult, blocking_failures, check_reply

if TYPE_CHECKING:
    from api.integrations.jobs import JobStore
    from api.security.keys import ApiKey, KeyStore


def _read_text(value: str | None, file: Path | None, what: str) -> str:
    if file is not None:
        return file.read_text(encoding="utf-8")
    if value is not None and value != "-":
        return value
    if value == "-" or not sys.stdin.isatty():
        return sys.stdin.read()
    raise SystemExit(f"calmreply: give the {what} as an argument, with --file, or on stdin")


def _fault(value: str) -> bool | None:
    return {"true": True, "yes": True, "false": False, "no": False, "unknown": None}[value]


def _policy(value: str | None) -> Policy | None:
    if value is None:
        return None
    raw = Path(value).read_text(encoding="utf-8") if Path(value).is_file() else value
    return Policy.model_validate_json(raw)


def _highlight(text: str, results: list[RuleResult]) -> list[str]:
    lines = []
    for r in results:
        mark = "PASS" if r.passed else ("FAIL" if r.severity == "error" else "WARN")
        lines.append(f"{mark:4}  {r.rule_id:26} {r.message}")
        for s in r.spans:
            left = text[max(0, s.start - 30) : s.start].replace("\n", " ")
            right = text[s.end : s.end + 30].replace("\n", " ")
            lines.append(f"      [{s.start}:{s.end}] …{left}>>{s.text}<<{right}…")
    return lines


def cmd_serve(args: argparse.Namespace) -> int:
    """One process per worker, each with its own engine. On SQLite they share one file safely: WAL mode and a
    busy timeout (api.db.engine), and migrations under a lock, so workers starting on a fresh file don't race."""
    import uvicorn

    if args.workers < 1:
        raise SystemExit("calmreply: --workers must be at least 1")
    from api.config import get_settings
    from api.security.auth import auth_off_refusal

    os.environ["CALMREPLY_BIND_HOST"] = args.host  # the app (and every worker) checks where it listens
    get_settings.cache_clear()
    refusal = auth_off_refusal(get_settings())
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    if args.workers > 1:
        from sqlalchemy.engine import make_url

        url = make_url(get_settings().database_url)
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            raise SystemExit("calmreply: an in-memory SQLite database cannot be shared by several workers; use a file")
    uvicorn.run("api.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from api.config import get_settings
    from api.llm import LLMClient
    from api.pipeline import Drafter
    from api.schemas import DraftRequest

    settings = get_settings()
    req = DraftRequest(
        complaint=_read_text(args.complaint, args.file, "complaint"),
        channel=Channel(args.channel),
        company_at_fault=_fault(args.fault),
        customer_name=args.customer_name,
        agent_name=args.agent_name,
        company_name=args.company_name,
        context=args.context,
        policy=_policy(args.policy),
        instructions=args.instructions,
        model=args.model,
        prompt_version=args.prompt_version,
    )
    outcome = asyncio.run(Drafter(settings, LLMClient.from_settings(settings)).draft(req))
    if args.json:
        print(
            json.dumps(
                {
                    "reply": outcome.reply,
                    "sections": outcome.sections.model_dump(),
                    "analysis": outcome.analysis.model_dump(),
                    "checks": [c.model_dump() for c in outcome.checks],
                    "meta": outcome.meta.model_dump(),
                },
                indent=2,
            )
        )
    else:
        print(outcome.reply)
        failed = [c.rule_id for c in outcome.checks if not c.passed]
        print(
            f"\n-- source={outcome.meta.source} model={outcome.meta.model} latency={outcome.meta.latency_ms:.0f}ms"
            f" failed={','.join(failed) or 'none'}",
            file=sys.stderr,
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    reply = _read_text(args.reply, args.file, "reply")
    complaint = args.complaint_file.read_text(encoding="utf-8") if args.complaint_file else (args.complaint or "")
    ctx = CheckContext(
        reply=reply, complaint=complaint, company_at_fault=_fault(args.fault), policy=_policy(args.policy), channel=Channel(args.channel)
    )
    results = check_reply(ctx)
    if args.json:
        print(json.dumps({"passed": not blocking_failures(results), "checks": [r.model_dump() for r in results]}, indent=2))
    else:
        print("\n".join(_highlight(reply, results)))
    return 1 if blocking_failures(results) else 0


def cmd_rules(args: argparse.Namespace) -> int:
    if args.json:
        from api.routes.rules import rules_response

        print(rules_response().model_dump_json(indent=2))
        return 0
    for r in RULES:
        print(f"{r.id:26} {r.severity:8} {r.title}")
        print(f"{'':35} sources: {', '.join(sorted({s.doc for s in r.sources}))}")
    print("\nConflicts between the documents and how they are resolved:")
    for c in CONFLICTS:
        print(f"- {c.topic}: {c.resolution}")
    return 0


def _key_store() -> KeyStore:
    from api.config import get_settings
    from api.db.engine import make_engine, migrate, session_factory
    from api.security.keys import KeyStore

    engine = make_engine(get_settings().database_url)
    migrate(engine)
    return KeyStore(session_factory(engine))


def _key_json(key: ApiKey) -> dict[str, object]:
    return {
        "id": key.id,
        "name": key.name,
        "scopes": sorted(key.scopes),
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


def cmd_keys_create(args: argparse.Namespace) -> int:
    from api.security.keys import parse_scopes

    try:
        key, token = _key_store().create(args.name, parse_scopes(args.scopes))
    except ValueError as exc:
        raise SystemExit(f"calmreply: {exc}") from None
    if args.json:
        print(json.dumps({**_key_json(key), "token": token}, indent=2))
    else:
        print(token)
        print(
            f"-- key {key.id} ({key.name}) scopes={','.join(sorted(key.scopes))}. Send it as "
            "'Authorization: Bearer <token>'; it is stored hashed and cannot be shown again.",
            file=sys.stderr,
        )
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    keys = _key_store().list()
    if args.json:
        print(json.dumps([_key_json(k) for k in keys], indent=2))
        return 0
    for k in keys:
        state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
        print(f"{k.id}  {k.name:20} {state:24} {','.join(sorted(k.scopes))}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from api.security.keys import KeyNotFound

    try:
        key = _key_store().revoke(args.key_id)
    except KeyNotFound:
        raise SystemExit(f"calmreply: no API key with id {args.key_id} (see calmreply keys list)") from None
    print(f"revoked {key.id} ({key.name})")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from api.config import get_settings
    from api.integrations.worker import run_worker

    if args.threads < 1:
        raise SystemExit("calmreply: --threads must be at least 1")
    return run_worker(get_settings(), args.threads)


def _job_store() -> JobStore:
    from api.config import get_settings
    from api.db.engine import make_engine, migrate, session_factory
    from api.integrations.jobs import JobStore

    engine = make_engine(get_settings().database_url)
    migrate(engine)
    return JobStore(session_factory(engine))


def cmd_jobs_list(args: argparse.Namespace) -> int:
    jobs = _job_store().list(args.state, args.limit).items
    if args.json:
        print(json.dumps([j.model_dump(mode="json") for j in jobs], indent=2))
        return 0
    for j in jobs:
        print(
            f"{j.id}  {j.source:8} {j.external_id:14} {j.state:8} attempts={j.attempts} {j.updated_at:%Y-%m-%d %H:%M:%S}"
            f"  {j.last_error or ''}"
        )
    return 0


def cmd_jobs_retry(args: argparse.Namespace) -> int:
    from api.config import get_settings
    from api.integrations.jobs import JobNotDead, JobNotFound
    from api.integrations.queue import JobQueue, queue_url

    store = _job_store()
    ids = [j.id for j in store.list("dead", 500).items] if args.dead else args.job_ids
    if not ids:
        raise SystemExit("calmreply: name the jobs to retry, or pass --dead for every dead job")
    settings = get_settings()
    queue = JobQueue(queue_url(settings.queue_url, settings.database_url))
    for job_id in ids:
        try:
            store.revive(job_id)
        except (JobNotFound, JobNotDead) as exc:
            raise SystemExit(f"calmreply: {exc if isinstance(exc, JobNotDead) else f'no job with id {job_id}'}") from None
        queue.enqueue(job_id)
        print(f"queued {job_id}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="calmreply", description="Draft and lint replies to angry customers.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (one per core; see README, Production)")
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(func=cmd_serve)

    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--channel", choices=[c.value for c in Channel], default="email")
    shared.add_argument("--fault", choices=["true", "false", "unknown", "yes", "no"], default="unknown", help="is the company at fault?")
    shared.add_argument("--policy", help="policy JSON, or a path to a JSON file")
    shared.add_argument("--json", action="store_true", help="print everything as JSON")

    draft = sub.add_parser("draft", parents=[shared], help="draft a reply (argument, --file, or stdin)")
    draft.add_argument("complaint", nargs="?", help="complaint text, or - for stdin")
    draft.add_argument("--file", type=Path, help="read the complaint from a file")
    draft.add_argument("--customer-name")
    draft.add_argument("--agent-name")
    draft.add_argument("--company-name")
    draft.add_argument("--context", help="facts the reply may use")
    draft.add_argument("--instructions", help="the agent's own guidance (trusted)")
    draft.add_argument("--model", help="'playbook' or a litellm model string (default CALMREPLY_MODEL)")
    draft.add_argument("--prompt-version")
    draft.set_defaults(func=cmd_draft)

    check = sub.add_parser("check", parents=[shared], help="lint a reply; exits 1 when an error rule fails")
    check.add_argument("reply", nargs="?", help="reply text, or - for stdin")
    check.add_argument("--file", type=Path, help="read the reply from a file")
    check.add_argument("--complaint", help="the complaint the reply answers")
    check.add_argument("--complaint-file", type=Path)
    check.set_defaults(func=cmd_check)

    rules = sub.add_parser("rules", help="list the rules and conflict resolutions")
    rules.add_argument("--json", action="store_true")
    rules.set_defaults(func=cmd_rules)

    keys = sub.add_parser("keys", help="create, list and revoke API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="create a key and print its token once")
    create.add_argument("--name", required=True, help="who uses it, e.g. crm")
    create.add_argument("--scopes", required=True, help="comma-separated: drafts:write,drafts:read,checks,stats,admin")
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=cmd_keys_create)
    listing = keys.add_parser("list", help="every key, active and revoked (never the tokens)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_keys_list)
    revoke = keys.add_parser("revoke", help="revoke a key by id; it stops working at once")
    revoke.add_argument("key_id")
    revoke.set_defaults(func=cmd_keys_revoke)

    worker = sub.add_parser("worker", help="run helpdesk jobs (Chatwoot, Zammad) from the queue; start one per machine")
    worker.add_argument("--threads", type=int, default=2, help="jobs run at once in this process")
    worker.set_defaults(func=cmd_worker)

    jobs = sub.add_parser("jobs", help="list and retry helpdesk jobs").add_subparsers(dest="jobs_command", required=True)
    jobs_list = jobs.add_parser("list", help="jobs, most recently changed first")
    jobs_list.add_argument("--state", choices=["queued", "running", "retrying", "done", "dead"])
    jobs_list.add_argument("--limit", type=int, default=50)
    jobs_list.add_argument("--json", action="store_true")
    jobs_list.set_defaults(func=cmd_jobs_list)
    jobs_retry = jobs.add_parser("retry", help="queue dead jobs again with a fresh count of attempts")
    jobs_retry.add_argument("job_ids", nargs="*")
    jobs_retry.add_argument("--dead", action="store_true", help="every dead job")
    jobs_retry.set_defaults(func=cmd_jobs_retry)

    from evals.cli import add_eval_commands

    add_eval_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
