"""zhizao (智造): the system that runs a city's advanced-manufacturing cluster programme."""
