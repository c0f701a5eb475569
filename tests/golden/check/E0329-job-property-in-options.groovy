pipeline {
    agent any
    options {
        parameters([string(name: 'X')])
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
