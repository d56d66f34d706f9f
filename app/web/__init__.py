"""Web pages served by the service: the data cockpit (/dashboard) and the matching portal (/)."""
