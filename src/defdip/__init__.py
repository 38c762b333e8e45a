"""defdip: an open defence-diplomacy information and analysis system.

Data flows one way: sources → store → engagements/panels → measures → analysis → reports/cli.
"""

from defdip.errors import DefdipError

__version__ = "0.1.0"
__all__ = ["DefdipError", "__version__"]
