pipeline {
    agent any
    parameters {
        'name'
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
