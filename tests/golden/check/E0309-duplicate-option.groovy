pipeline {
    agent any
    options {
        timestamps()
        timestamps()
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
