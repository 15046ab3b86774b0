"""No models. The module lets `migrate` send this app its post_migrate signal, which
makes the database cache's table (see CoursblogConfig.ready)."""
