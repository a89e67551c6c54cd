"""The goals domain and the event data it decides are plain Python: no web, store, broker or schema library."""
import subprocess
import sys

INFRASTRUCTURE = ("flask", "pymongo", "kafka", "marshmallow")


def test_the_domain_imports_no_infrastructure():
    probe = ("import sys; import services.goals.domain.goal, services.goals.domain.session, "
             "services.goals.domain.sharing, services.goals.domain.fhir; "
             f"print(sorted(name for name in {INFRASTRUCTURE!r} if name in sys.modules))")

    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout

    assert loaded.strip() == "[]"
