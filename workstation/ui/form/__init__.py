"""The form renderer: a compiled `Service` becomes widgets bound to a `FormController`."""
