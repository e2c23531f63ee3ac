"""The team job: many athletes' folders decoded into Parquet tables and explained by the
pure engine (engine.py), on this machine (local.py) or on Apache Spark (spark.py)."""
