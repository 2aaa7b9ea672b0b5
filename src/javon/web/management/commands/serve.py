"""javon serve: the whole library on one machine — web server, task worker, index follower."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Javon: granian (WSGI) plus a task worker and the search index follower."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("JAVON_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("JAVON_PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("JAVON_WEB_WORKERS", "2")))
        parser.add_argument("--task-workers", type=int, default=int(os.environ.get("JAVON_TASK_WORKERS", "1")))
        parser.add_argument("--no-worker", action="store_true", help="serve pages only")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        # The web workers (children) serve the collected, pre-compressed files (see settings).
        os.environ["JAVON_STATIC_COLLECTED"] = "1"
        javon = [sys.executable, "-m", "javon.cli"]
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
        commands = [
            [
                granian,
                "--interface",
                "wsgi",
                "--host",
                opts["host"],
                "--port",
                str(opts["port"]),
                "--workers",
                str(opts["web_workers"]),
                "--no-ws",
                "javon.wsgi:application",
            ],
            [*javon, "index-follow"],
        ]
        if not opts["no_worker"]:
            commands += [[*javon, "worker"] for _ in range(opts["task_workers"])]
        # Each child leads its own process group, so that stopping reaches grandchildren too
        # (granian's web workers ignore SIGTERM while they start).
        procs = [subprocess.Popen(cmd, process_group=0) for cmd in commands]
        self.stdout.write(f"Javon is at http://{opts['host']}:{opts['port']}/ (Ctrl+C stops it)")

        def signal_groups(sig: int) -> None:
            for p in procs:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, sig)

        def stop(signum: int, frame: Any) -> None:
            signal_groups(signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and any(p.poll() is None for p in procs):
                time.sleep(0.1)
            signal_groups(signal.SIGKILL)
            for p in procs:
                p.wait()
            sys.exit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while True:
            for i, p in enumerate(procs):
                if p.poll() is not None:
                    # A helper process died: say so and start it again, the server stays up.
                    self.stderr.write(f"{' '.join(commands[i][-2:])} exited with {p.returncode}; restarting")
                    time.sleep(1)
                    procs[i] = subprocess.Popen(commands[i], process_group=0)
            time.sleep(1)
