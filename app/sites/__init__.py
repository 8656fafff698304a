"""Sites: the hospitals running the trial, each with its time zone and capacity."""
