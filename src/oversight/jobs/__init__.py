"""Background jobs that can be operated: the registry of daily jobs, the sweep that runs each (job, day)
once whatever the number of workers, catching up missed days and retrying failures, and the page that
shows administrators what failed."""
