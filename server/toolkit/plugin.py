"""The toolkit: boxes, the things in them, their uses, and words to carry."""

from server.plugin import Domain
from server.toolkit.kinds import KINDS

DOMAIN = Domain(name="toolkit", kinds=KINDS)
