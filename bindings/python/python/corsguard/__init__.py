"""corsguard: strict, fast CORS decisions for Python, on the corsguard Rust core.

Build a :class:`Policy` once (it is validated then, and refused with a :class:`PolicyError` that says what to
change), then ask it about each request with :meth:`Policy.decide`, or let the middleware in
:mod:`corsguard.asgi`, :mod:`corsguard.wsgi` or :mod:`corsguard.django` do it.
"""

from ._corsguard import Decision, Policy, Reason
from ._errors import PolicyError, PolicySyntaxError

__all__ = ["Decision", "Policy", "PolicyError", "PolicySyntaxError", "Reason"]
__version__ = "0.1.0"
