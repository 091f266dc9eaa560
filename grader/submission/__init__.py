"""What a submission is: its files, the checks that need no running (syntax, policy, config), and its zip.

Students and the grader apply the same rules: ``make submission`` in the
handout refuses what the grader would score 0, with the same messages.
"""
