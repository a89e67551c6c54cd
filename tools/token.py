"""Print a bearer token for local use: python -m tools.token --role clinician --clinic clinic-1 --sub me

Signed with JWT_SECRET (the same default as the services), valid for 12 hours.
"""
import argparse

from shared.web.auth import ROLES, mint_token
from shared.runtime.config import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", choices=ROLES, default="clinician")
    parser.add_argument("--clinic", default="clinic-1")
    parser.add_argument("--sub", default="clinician-1")
    args = parser.parse_args()
    print(mint_token(Settings(service="tools").jwt_secret, args.sub, args.clinic, args.role, ttl_seconds=12 * 3600))


if __name__ == "__main__":
    main()
