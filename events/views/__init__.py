"""The public pages of events: the list, one event with its registration form, iCal."""
