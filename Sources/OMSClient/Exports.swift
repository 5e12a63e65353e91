@_exported import OMSModels
