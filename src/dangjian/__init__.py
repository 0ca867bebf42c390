"""dangjian: software for the party-building responsibility system (党建工作责任制)."""
