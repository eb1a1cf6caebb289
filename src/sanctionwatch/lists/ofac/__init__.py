"""OFAC's SDN list: the legacy CSV publication (``csv``), SDN.XML (``xml``), the remark reader both use.

``parse`` reads the CSV files (``sdn.csv`` + ``alt.csv`` + ``add.csv``); ``parse_xml`` reads SDN.XML.
"""

from .csv import parse
from .xml import parse as parse_xml

__all__ = ["parse", "parse_xml"]
