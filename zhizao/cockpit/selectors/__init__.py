"""Reads behind the cockpit pages: stored progress, scoped to the user.

Every function takes the user's ``Access`` and returns only what its view scope covers.
Progress comes from ``ProgressRecord`` rows written by the background recomputation;
nothing here aggregates raw values.
"""
