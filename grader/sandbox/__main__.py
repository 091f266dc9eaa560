"""``python -m grader.sandbox FD MODE PRELOAD``: the fork server, started inside bubblewrap (see ``forkserver``)."""
import sys

from grader.sandbox.forkserver import main

main(sys.argv[1:])
