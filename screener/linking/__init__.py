"""Linking ads across a file: template clusters and shared contacts (issue 16).

`link_frame` adds the linking columns to a scored DataFrame; `link_file` to a scored file, in two
streaming passes; `score_and_link` is ``screener score --link``; `run_link` is ``screener link``
(scores if needed, links, writes the cluster report).
"""

from screener.linking.files import LinkSummary, link_file, run_link, score_and_link
from screener.linking.links import LINK_COLUMNS, Links, link_frame

__all__ = ["LINK_COLUMNS", "LinkSummary", "Links", "link_frame", "link_file", "score_and_link", "run_link"]
