"""Plans: the `plan` kind and its date rules."""

from server.plans.kind import PLAN
from server.plugin import Domain

DOMAIN = Domain(name="plans", kinds=(PLAN,))
