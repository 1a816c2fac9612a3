"""Plans: the `plan` kind, sealed."""

from server.plans.kind import PLAN
from server.plugin import Domain

DOMAIN = Domain(name="plans", kinds=(PLAN,))
