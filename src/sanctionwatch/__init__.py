"""sanctionwatch: monitor UN Security Council sanctions on the DPRK."""

__version__ = "0.1.0"
