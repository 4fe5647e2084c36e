"""Long console operations (exports, code batches, imports) run off the request thread with progress."""
