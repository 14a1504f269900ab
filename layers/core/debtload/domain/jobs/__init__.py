"""The async job engine: a job, its chunks on the queue, exactly-once counting, one terminal event."""
