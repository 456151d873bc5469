"""Clean text -> proposed register items, actions and the inspectorate's status history.

Plain Python, no Django. Every proposal carries the span of text it came from, so a person can
see it highlighted beside the proposal and every confirmed item links back to its passage.
"""
