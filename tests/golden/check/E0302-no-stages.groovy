pipeline {
    agent any
    stages {
    }
}
