"""The reports service's store code: its documents and ids (documents.py) and the reads of the reports (reads.py).

The projection writes the documents through the runtime (shared.store.projection);
nothing else in the service talks to MongoDB.
"""
